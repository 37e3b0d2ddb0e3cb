/** The stock admission rules: which static keys may complete a handshake at all. */
package io.postern.policy.admission;
