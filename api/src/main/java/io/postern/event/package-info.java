/** Gateway events (what happened to sessions) and drop reasons (why a packet was discarded). */
package io.postern.event;
