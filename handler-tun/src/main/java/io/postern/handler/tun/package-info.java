/** A kernel TUN interface as a packet handler: Linux system calls through the FFM API, cryptokey routing both ways. */
package io.postern.handler.tun;
