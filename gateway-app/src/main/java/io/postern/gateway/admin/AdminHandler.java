package io.postern.gateway.admin;

/** Answers admin requests; the gateway implements it over its engine. */
@FunctionalInterface
public interface AdminHandler {
    /**
     * @param request a request ({@link AdminMessage#operation()} names what to do)
     * @return the response, ending with {@code errno}; never null
     */
    AdminMessage handle(AdminMessage request);
}
