/** The {@code tcp} transport: length-framed datagrams over TCP connections, accepted and dialled. */
package io.postern.transport.tcp;
