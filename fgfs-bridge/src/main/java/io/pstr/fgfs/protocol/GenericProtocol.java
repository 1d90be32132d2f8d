package io.pstr.fgfs.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A FlightGear generic-protocol file ({@code Protocol/NAME.xml}, see FlightGear's {@code Docs/README.protocol}):
 * parsed from and written back to XML, and the packets it describes encoded and decoded. No I/O.
 * <p>
 * Binary packets are tightly packed in chunk order, big-endian unless {@code <byte_order>host</byte_order>}
 * (then little-endian, what an x86 FlightGear sends), with FlightGear's sizes: bool and byte 1, word 2, int, float
 * and fixed 4, double 8; no footer. ASCII packets are the values joined by the variable separator, ended by the
 * line separator. Values on the wire are what the property holds times {@code factor} plus {@code offset}:
 * FlightGear applies those, this class does not.
 *
 * @param output what FlightGear sends (null if the file has no {@code <output>})
 * @param input what FlightGear reads (null if the file has no {@code <input>})
 */
public record GenericProtocol(Block output, Block input) {

    public enum Type {
        BOOL(1), INT(4), FLOAT(4), DOUBLE(8), BYTE(1), WORD(2), FIXED(4), STRING(0);

        final int sizeBytes;

        Type(int sizeBytes) {
            this.sizeBytes = sizeBytes;
        }

        String xmlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One value: FlightGear's {@code <chunk>}. {@code factor} 1 and {@code offset} 0 when the file names none. */
    public record Chunk(String name, Type type, String node, double factor, double offset, String format) {
        public Chunk {
            Objects.requireNonNull(type, "type");
            if (!Double.isFinite(factor) || !Double.isFinite(offset)) {
                throw new IllegalArgumentException("chunk " + name + ": factor and offset must be finite");
            }
        }

        public Chunk(String name, Type type, String node) {
            this(name, type, node, 1, 0, null);
        }
    }

    /** An {@code <output>} or {@code <input>} block. */
    public record Block(boolean binary, boolean bigEndian, String varSeparator, String lineSeparator, List<Chunk> chunks) {
        public Block {
            chunks = List.copyOf(chunks);
            varSeparator = varSeparator == null ? "" : varSeparator;
            lineSeparator = lineSeparator == null ? "" : lineSeparator;
            if (chunks.isEmpty()) {
                throw new IllegalArgumentException("a protocol block needs at least one chunk");
            }
            if (binary && chunks.stream().anyMatch(c -> c.type() == Type.STRING)) {
                throw new IllegalArgumentException("binary mode cannot carry string chunks");
            }
        }

        public static Block binary(List<Chunk> chunks) {
            return new Block(true, true, "", "", chunks);
        }

        /** Bytes of one binary packet. */
        public int sizeBytes() {
            int n = 0;
            for (Chunk c : chunks) {
                n += c.type().sizeBytes;
            }
            return n;
        }

        public int indexOf(String chunkName) {
            for (int i = 0; i < chunks.size(); i++) {
                if (chunks.get(i).name().equals(chunkName)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no chunk named '" + chunkName + "'");
        }

        /** One packet of {@code values}, one per chunk, in chunk order. */
        public byte[] encode(double[] values) {
            if (values.length != chunks.size()) {
                throw new IllegalArgumentException("expected " + chunks.size() + " values, got " + values.length);
            }
            if (!binary) {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < values.length; i++) {
                    if (i > 0) {
                        s.append(varSeparator);
                    }
                    s.append(asciiValue(chunks.get(i).type(), values[i]));
                }
                return s.append(lineSeparator).toString().getBytes(StandardCharsets.US_ASCII);
            }
            ByteBuffer b = ByteBuffer.allocate(sizeBytes()).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                switch (chunks.get(i).type()) {
                    case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
                    case BYTE -> b.put((byte) Math.round(v));
                    case WORD -> b.putShort((short) Math.round(v));
                    case INT -> b.putInt((int) Math.round(v));
                    case FIXED -> b.putInt((int) Math.round(v * 65536));
                    case FLOAT -> b.putFloat((float) v);
                    case DOUBLE -> b.putDouble(v);
                    case STRING -> throw new IllegalStateException("unreachable: binary blocks have no strings");
                }
            }
            return b.array();
        }

        /**
         * Decodes one packet into {@code into} (one value per chunk).
         * @return null when the packet has the exact size and every value is finite, else why it was refused
         */
        public Reject decode(byte[] src, int offset, int length, double[] into) {
            if (into.length != chunks.size()) {
                throw new IllegalArgumentException("expected room for " + chunks.size() + " values, got " + into.length);
            }
            if (!binary) {
                return decodeAscii(new String(src, offset, length, StandardCharsets.US_ASCII), into);
            }
            if (length != sizeBytes()) {
                return Reject.WRONG_SIZE;
            }
            ByteBuffer b = ByteBuffer.wrap(src, offset, length).slice().order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < into.length; i++) {
                into[i] = switch (chunks.get(i).type()) {
                    case BOOL, BYTE -> b.get();
                    case WORD -> b.getShort();
                    case INT -> b.getInt();
                    case FIXED -> b.getInt() / 65536.0;
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> b.getDouble();
                    case STRING -> throw new IllegalStateException("unreachable: binary blocks have no strings");
                };
                if (!Double.isFinite(into[i])) {
                    return Reject.NOT_FINITE;
                }
            }
            return null;
        }

        private Reject decodeAscii(String text, double[] into) {
            String line = text;
            if (!lineSeparator.isEmpty() && line.endsWith(lineSeparator)) {
                line = line.substring(0, line.length() - lineSeparator.length());
            }
            String[] parts = varSeparator.isEmpty() ? new String[] {line} : line.split(java.util.regex.Pattern.quote(varSeparator), -1);
            if (parts.length != chunks.size()) {
                return Reject.WRONG_SIZE;
            }
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].trim();
                try {
                    into[i] = chunks.get(i).type() == Type.BOOL && !p.isEmpty() && Character.isLetter(p.charAt(0))
                            ? (Boolean.parseBoolean(p) ? 1 : 0) : Double.parseDouble(p);
                } catch (NumberFormatException e) {
                    return Reject.NOT_FINITE;
                }
                if (!Double.isFinite(into[i])) {
                    return Reject.NOT_FINITE;
                }
            }
            return null;
        }

        private static String asciiValue(Type type, double v) {
            return switch (type) {
                case BOOL -> v != 0 ? "1" : "0";
                case INT, BYTE, WORD -> Long.toString(Math.round(v));
                default -> Double.toString(v);
            };
        }
    }

    // ------------------------------------------------------------------ XML

    /** Parses a protocol file. @throws IllegalArgumentException with the reason when it is not a valid one */
    public static GenericProtocol parse(InputStream in) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(null);
            doc = builder.parse(in);
        } catch (SAXException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        Element root = doc.getDocumentElement();
        if (!"PropertyList".equals(root.getTagName())) {
            throw new IllegalArgumentException("root element is <" + root.getTagName() + ">, expected <PropertyList>");
        }
        Element generic = child(root, "generic");
        if (generic == null) {
            throw new IllegalArgumentException("no <generic> element under <PropertyList>");
        }
        Element out = child(generic, "output");
        Element in2 = child(generic, "input");
        if (out == null && in2 == null) {
            throw new IllegalArgumentException("<generic> has neither <output> nor <input>");
        }
        return new GenericProtocol(out == null ? null : block(out), in2 == null ? null : block(in2));
    }

    public static GenericProtocol parse(String xml) {
        try {
            return parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    private static Block block(Element e) {
        boolean binary = Boolean.parseBoolean(text(e, "binary_mode", "false"));
        String order = text(e, "byte_order", "network");
        if (!order.equals("network") && !order.equals("host")) {
            throw new IllegalArgumentException("<byte_order> must be network or host, got '" + order + "'");
        }
        String footer = text(e, "binary_footer", "none");
        if (binary && !footer.equals("none")) {
            throw new IllegalArgumentException("<binary_footer> " + footer + " is not supported (only none)");
        }
        List<Chunk> chunks = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals("chunk")) {
                String name = text(c, "name", "chunk" + chunks.size());
                String typeName = text(c, "type", "int");
                Type type;
                try {
                    type = Type.valueOf(typeName.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("chunk " + name + ": unknown type '" + typeName + "'", ex);
                }
                chunks.add(new Chunk(name, type, text(c, "node", null), number(c, "factor", 1, name), number(c, "offset", 0, name),
                        text(c, "format", null)));
            }
        }
        return new Block(binary, order.equals("network"), unescape(text(e, "var_separator", "")),
                unescape(text(e, "line_separator", "")), chunks);
    }

    private static double number(Element c, String tag, double dflt, String chunk) {
        String t = text(c, tag, null);
        if (t == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("chunk " + chunk + ": <" + tag + "> '" + t + "' is not a number", e);
        }
    }

    private static Element child(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) {
                return c;
            }
        }
        return null;
    }

    private static String text(Element parent, String tag, String dflt) {
        Element c = child(parent, tag);
        return c == null ? dflt : c.getTextContent().trim();
    }

    private static final String[][] KEYWORDS = {{"newline", "\n"}, {"tab", "\t"}, {"formfeed", "\f"}, {"carriagereturn", "\r"},
        {"verticaltab", "\u000b"}};

    private static String unescape(String s) {
        for (String[] k : KEYWORDS) {
            if (s.equals(k[0])) {
                return k[1];
            }
        }
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\f", "\f").replace("\\v", "\u000b");
    }

    private static String escape(String s) {
        for (String[] k : KEYWORDS) {
            if (s.equals(k[1])) {
                return k[0];
            }
        }
        return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r").replace("\f", "\\f").replace("\u000b", "\\v");
    }

    /** The protocol as a FlightGear {@code Protocol/NAME.xml} file. */
    public String toXml() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            Document doc = f.newDocumentBuilder().newDocument();
            Element root = doc.createElement("PropertyList");
            doc.appendChild(root);
            Element generic = add(doc, root, "generic", null);
            if (output != null) {
                writeBlock(doc, add(doc, generic, "output", null), output);
            }
            if (input != null) {
                writeBlock(doc, add(doc, generic, "input", null), input);
            }
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            return w.toString();
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    private static void writeBlock(Document doc, Element e, Block b) {
        add(doc, e, "binary_mode", Boolean.toString(b.binary()));
        if (b.binary()) {
            add(doc, e, "byte_order", b.bigEndian() ? "network" : "host");
        } else {
            add(doc, e, "var_separator", escape(b.varSeparator()));
            add(doc, e, "line_separator", escape(b.lineSeparator()));
        }
        for (Chunk c : b.chunks()) {
            Element ce = add(doc, e, "chunk", null);
            add(doc, ce, "name", c.name());
            add(doc, ce, "type", c.type().xmlName());
            if (c.node() != null) {
                add(doc, ce, "node", c.node());
            }
            if (c.factor() != 1) {
                add(doc, ce, "factor", Double.toString(c.factor()));
            }
            if (c.offset() != 0) {
                add(doc, ce, "offset", Double.toString(c.offset()));
            }
            if (c.format() != null) {
                add(doc, ce, "format", c.format());
            }
        }
    }

    private static Element add(Document doc, Element parent, String tag, String text) {
        Element e = doc.createElement(tag);
        if (text != null) {
            e.setTextContent(text);
        }
        parent.appendChild(e);
        return e;
    }
}
