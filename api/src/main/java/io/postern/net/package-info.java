/** Network value types: a peer's UDP {@link io.postern.net.Endpoint} and a session's {@link io.postern.net.ReceiverIndex}. */
package io.postern.net;
