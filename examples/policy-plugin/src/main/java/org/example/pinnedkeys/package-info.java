/** The {@code pinned-keys} session policy and its pin file. */
package org.example.pinnedkeys;
