/**
 * The stock {@link io.postern.spi.SessionPolicy} implementations — {@code reset-on-identity-change}
 * (the default), {@code keep-both} and {@code reject-while-bound} — and the stock
 * {@link io.postern.spi.Admission} implementations, {@code allowlist} (the default) and
 * {@code open}. Exports nothing; each one is a service provider selected by name.
 */
module io.postern.policy {
    requires io.postern.api;

    provides io.postern.spi.SessionPolicy with
            io.postern.policy.ResetOnIdentityChangePolicy,
            io.postern.policy.KeepBothPolicy,
            io.postern.policy.RejectWhileBoundPolicy;
    provides io.postern.spi.Admission with
            io.postern.policy.admission.AllowlistAdmission,
            io.postern.policy.admission.OpenAdmission;
}
