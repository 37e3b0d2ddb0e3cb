/** The stock session policies: what happens when a new identity handshakes from an endpoint bound to another. */
package io.postern.policy;
