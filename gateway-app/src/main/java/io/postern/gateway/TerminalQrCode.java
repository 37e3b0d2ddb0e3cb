package io.postern.gateway;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code drawn in a terminal with Unicode half blocks, two rows of modules per line, as
 * {@code qrencode -t ansiutf8} draws it (what PiVPN and wg-easy print for the WireGuard mobile apps).
 * ZXing encodes; this class only draws. Every line sets its own colours (white on black), so the code
 * reads the same in a light or a dark terminal: a light module is a lit half block, a dark one is unlit.
 */
final class TerminalQrCode {
    /** The light border around the code, in modules: the QR specification asks for 4. */
    static final int QUIET_ZONE = 4;
    /** Black background, white foreground; then back to the terminal's own colours. */
    static final String COLOURS = "\u001b[40;37m";
    static final String RESET = "\u001b[0m";
    static final char BOTH_LIGHT = '\u2588';
    static final char UPPER_LIGHT = '\u2580';
    static final char LOWER_LIGHT = '\u2584';
    static final char BOTH_DARK = ' ';

    private TerminalQrCode() {}

    /**
     * @return {@code text} as a QR code (byte mode, UTF-8, error correction L as qrencode's default:
     *         a client config is ~300 bytes, and L keeps the code small enough for an 80-column terminal)
     * @throws IllegalArgumentException if {@code text} does not fit in a QR code
     */
    static String render(String text) {
        BitMatrix m;
        try {
            m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.CHARACTER_SET, "UTF-8", EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L,
                            EncodeHintType.MARGIN, QUIET_ZONE));
        } catch (WriterException tooLong) {
            throw new IllegalArgumentException("the client configuration does not fit in a QR code: " + tooLong.getMessage(), tooLong);
        }
        StringBuilder out = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y += 2) {
            out.append(COLOURS);
            for (int x = 0; x < m.getWidth(); x++) {
                boolean upperLight = !m.get(x, y);
                boolean lowerLight = y + 1 >= m.getHeight() || !m.get(x, y + 1); // an odd last row: light below
                out.append(upperLight ? (lowerLight ? BOTH_LIGHT : UPPER_LIGHT) : (lowerLight ? LOWER_LIGHT : BOTH_DARK));
            }
            out.append(RESET).append('\n');
        }
        return out.toString();
    }
}
