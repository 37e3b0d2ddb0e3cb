/**
 * The {@code ip} packet handler: treats tunnel payloads as IPv4/IPv6 packets, enforces cryptokey
 * routing on their source, answers ICMP echo to the gateway's own addresses and forwards between
 * peers by longest-prefix match on AllowedIPs, like a WireGuard hub with forwarding on.
 */
package io.postern.gateway.ip;
