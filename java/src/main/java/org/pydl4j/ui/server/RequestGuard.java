package org.pydl4j.ui.server;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a request must satisfy before the UI answers it (every check a pure function, tested on its own):
 * <ul>
 * <li>a safe path: only {@code /}, letters, digits, {@code _ - .}; no {@code ..} segment, no empty segment, no
 * percent-encoding at all (so {@code %2e%2e} and {@code %2f} never reach a handler), at most {@link #MAX_URI}
 * characters with the query;</li>
 * <li>a Host header naming this server: {@code localhost}, an IP literal, or the host it was started on, with its
 * port. A DNS name an attacker controls (DNS rebinding) is refused even though it resolves to 127.0.0.1;</li>
 * <li>the session token (in the query, a header or the cookie the page got), compared in constant time.</li>
 * </ul>
 */
public final class RequestGuard {
    public static final int MAX_URI = 2048;
    public static final String TOKEN_PARAM = "token", TOKEN_HEADER = "X-Pydl4j-Token";
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_.\\-/]*");
    private static final Pattern TOKEN_VALUE = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String token;
    private final String boundHost;
    private final int port;

    RequestGuard(String token, String boundHost, int port) {
        this.token = token;
        this.boundHost = boundHost.toLowerCase(Locale.ROOT);
        this.port = port;
    }

    /** A fresh 256-bit token, URL-safe. */
    static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True when the raw (undecoded) path is one the UI could serve. */
    public static boolean safePath(String rawPath) {
        if (rawPath == null || rawPath.length() > MAX_URI || !PATH.matcher(rawPath).matches()) return false;
        String[] segments = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals("..") || s.equals(".")) return false;
            if (s.isEmpty() && !(i == segments.length - 1 && i == 0)) return false;   // only "/" itself ends empty
        }
        return true;
    }

    /** True when the Host header names this server (see the class comment). */
    public boolean hostAllowed(String hostHeader) {
        if (hostHeader == null || hostHeader.length() > 255) return false;
        String h = hostHeader.trim().toLowerCase(Locale.ROOT), name;
        int p;
        if (h.startsWith("[")) {            // [v6]:port
            int close = h.indexOf(']');
            if (close < 0) return false;
            name = h.substring(0, close + 1);
            p = portOf(h.substring(close + 1));
        } else {
            int colon = h.lastIndexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            p = portOf(colon < 0 ? "" : h.substring(colon));
        }
        if (p != port) return false;
        return name.equals("localhost") || name.equals(boundHost) || isIpLiteral(name);
    }

    private static int portOf(String suffix) {
        if (suffix.isEmpty()) return 80;
        if (!suffix.startsWith(":") || suffix.length() > 6) return -1;
        try {
            return Integer.parseInt(suffix.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isIpLiteral(String name) {
        if (IPV4.matcher(name).matches()) {
            for (String part : name.split("\\.")) if (Integer.parseInt(part) > 255) return false;
            return true;
        }
        if (name.startsWith("[") && name.endsWith("]") && name.length() > 2) {
            String inner = name.substring(1, name.length() - 1);
            if (!inner.matches("[0-9a-f:.]+")) return false;
            try {
                InetAddress.getByName(inner);      // a literal: parsed, never looked up
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** True when one of the candidates (query parameter, header, cookie) is the token. */
    public boolean tokenMatches(List<String> candidates) {
        byte[] expected = token.getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String c : candidates) {
            if (c != null && TOKEN_VALUE.matcher(c).matches()) {
                ok |= MessageDigest.isEqual(expected, c.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return ok;
    }

    /** The value of one query parameter (raw query; null when absent or when it is not a plain token value). */
    public static String queryParam(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.length() > MAX_URI) return null;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                String v = pair.substring(eq + 1);
                return TOKEN_VALUE.matcher(v).matches() ? v : null;
            }
        }
        return null;
    }

    /** The value of a cookie in a Cookie header, or null. */
    public static String cookie(List<String> cookieHeaders, String name) {
        if (cookieHeaders == null) return null;
        for (String header : cookieHeaders) {
            if (header.length() > 4096) continue;
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(name + "=")) return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    String token() { return token; }

    int port() { return port; }
}
