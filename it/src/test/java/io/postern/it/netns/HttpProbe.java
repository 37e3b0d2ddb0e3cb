package io.postern.it.netns;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/** Asks a gateway's probe (or any HTTP path) for its status code, as a kubelet's httpGet probe does. */
public final class HttpProbe {
    private HttpProbe() {}

    /** @return the HTTP status code of {@code GET http://host:port/path} as text, or {@code "down"} when it cannot be asked */
    public static String status(String host, int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try {
                return Integer.toString(c.getResponseCode());
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return "down";
        }
    }
}
