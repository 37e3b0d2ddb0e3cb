/** The {@code bouncycastle} crypto provider: every WireGuard primitive from Bouncy Castle's lightweight API. */
package io.postern.crypto.bc;
