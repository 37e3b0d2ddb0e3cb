/** The {@code unix} transport: length-framed datagrams over a UNIX domain socket. */
package org.example.unixtransport;
