package io.pstr.fgfs.bridge;

/**
 * Where local NED (0,0,0) is on the WGS84 ellipsoid, and the flat-earth conversion between the two with the
 * ellipsoid's radii of curvature at the origin (good to centimetres over the few hundred metres a mission spans).
 *
 * @param latDeg origin latitude, degrees
 * @param lonDeg origin longitude, degrees
 * @param altM origin altitude above sea level, metres
 */
public record GeoOrigin(double latDeg, double lonDeg, double altM) {
    static final double A_M = 6_378_137.0;
    static final double E2 = 6.69437999014e-3;
    /** Honolulu (PHNL), where FlightGear's shipped scenery is: the place FlightGear starts at with {@code --airport=PHNL}. */
    public static final GeoOrigin PHNL = new GeoOrigin(21.325247, -157.9431848, 4.0);

    public GeoOrigin {
        if (!(latDeg >= -89 && latDeg <= 89) || !(lonDeg >= -180 && lonDeg <= 180) || !Double.isFinite(altM)) {
            throw new IllegalArgumentException("origin must be latitude -89..89, longitude -180..180 and a finite altitude, got "
                    + latDeg + ", " + lonDeg + ", " + altM);
        }
    }

    /** Parses {@code LAT,LON,ALT} (degrees, degrees, metres above sea level). */
    public static GeoOrigin parse(String text) {
        String[] p = text.split(",");
        if (p.length != 3) {
            throw new IllegalArgumentException("origin '" + text + "': expected LAT,LON,ALT_M, e.g. 21.3252,-157.9432,4");
        }
        try {
            return new GeoOrigin(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()), Double.parseDouble(p[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("origin '" + text + "': " + e.getMessage(), e);
        }
    }

    private double sinLat() {
        return Math.sin(Math.toRadians(latDeg));
    }

    /** Metres per radian of latitude at the origin. */
    double meridianRadiusM() {
        double s = sinLat();
        return A_M * (1 - E2) / Math.pow(1 - E2 * s * s, 1.5) + altM;
    }

    /** Metres per radian of longitude at the origin. */
    double parallelRadiusM() {
        double s = sinLat();
        return (A_M / Math.sqrt(1 - E2 * s * s) + altM) * Math.cos(Math.toRadians(latDeg));
    }

    public double latitudeDeg(double northM) {
        return latDeg + Math.toDegrees(northM / meridianRadiusM());
    }

    public double longitudeDeg(double eastM) {
        return lonDeg + Math.toDegrees(eastM / parallelRadiusM());
    }

    public double altitudeM(double downM) {
        return altM - downM;
    }

    public double northM(double latitudeDeg) {
        return Math.toRadians(latitudeDeg - latDeg) * meridianRadiusM();
    }

    public double eastM(double longitudeDeg) {
        return Math.toRadians(longitudeDeg - lonDeg) * parallelRadiusM();
    }
}
