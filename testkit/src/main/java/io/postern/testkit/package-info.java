/** Test helpers shared between modules' tests (never on a production module path). */
package io.postern.testkit;
