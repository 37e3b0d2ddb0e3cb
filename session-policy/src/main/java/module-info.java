/**
 * The stock {@link io.postern.spi.SessionPolicy} implementations: {@code reset-on-identity-change}
 * (the default), {@code keep-both} and {@code reject-while-bound}. Exports nothing; each policy is
 * a service provider selected by name.
 */
module io.postern.policy {
    requires io.postern.api;
    requires org.slf4j;

}
