/**
 * Test hosts in network namespaces: a {@link io.postern.it.netns.NetnsLab} builds namespaces, veth
 * pairs, a NAT router with nftables, and runs unmodified wireguard-go peers in them, only in
 * 198.18.0.0/15, and removes everything on close.
 */
package io.postern.it.netns;
