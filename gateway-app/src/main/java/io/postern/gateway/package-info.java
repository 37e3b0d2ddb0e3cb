/**
 * The gateway application's public face: start a {@link io.postern.gateway.PosternNode} from a
 * {@link io.postern.gateway.NodeConfig} (built in code or loaded from a wg-quick style file), and
 * the {@code postern} command line ({@link io.postern.gateway.Main}).
 */
package io.postern.gateway;
