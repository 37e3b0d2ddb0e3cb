/** The {@code udp-linux} transport: a Linux UDP socket driven through java.lang.foreign with batched system calls. */
package io.postern.transport.udplinux;
