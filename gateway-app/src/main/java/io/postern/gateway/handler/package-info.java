/** The packet handlers shipped with the gateway application: {@code echo}. */
package io.postern.gateway.handler;
