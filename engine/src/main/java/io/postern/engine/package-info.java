/**
 * The session engine's public face: {@link io.postern.engine.SessionEngine} (one per local
 * identity, both handshake roles), its configuration records and status views.
 */
package io.postern.engine;
