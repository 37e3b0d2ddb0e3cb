package io.postern.gateway;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns command-line words into Postern's values with a one-line message when they are wrong
 * (picocli then exits with the usage code 2).
 */
final class CliConverters {
    private CliConverters() {}

    /** A base64 public key. */
    static final class PublicKeys implements ITypeConverter<PublicKey> {
        @Override
        public PublicKey convert(String value) {
            try {
                return PublicKey.fromBase64(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a base64 public key: " + e.getMessage());
            }
        }
    }

    /** An {@code ip:port} or {@code [ipv6]:port} endpoint. */
    static final class Endpoints implements ITypeConverter<Endpoint> {
        @Override
        public Endpoint convert(String value) {
            try {
                return Endpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A comma-separated list of CIDR prefixes, as wg's {@code allowed-ips}; an empty word clears the list. */
    static final class Prefixes implements ITypeConverter<List<IpPrefix>> {
        @Override
        public List<IpPrefix> convert(String value) {
            List<IpPrefix> out = new ArrayList<>();
            if (value.isBlank()) {
                return out;
            }
            for (String part : value.split(",", -1)) {
                try {
                    out.add(IpPrefix.parse(part.strip()));
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException("'" + part.strip() + "' is not an IP prefix (CIDR): " + e.getMessage());
                }
            }
            return out;
        }
    }
}
