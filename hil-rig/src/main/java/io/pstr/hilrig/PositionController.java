package io.pstr.hilrig;

/**
 * The board's own cascaded controller for AUTO modes, failsafe and offboard position targets:
 * position error to velocity (P), velocity error to acceleration (P plus drag feed-forward),
 * acceleration to attitude and collective thrust. Pure: writes its output to the model's command.
 */
final class PositionController {
    static final double POSITION_GAIN_PER_S = 1.0;
    static final double VELOCITY_GAIN_PER_S = 2.5;
    static final double MAX_HORIZONTAL_MPS = 5.0;
    static final double MAX_UP_MPS = 2.0;
    static final double MAX_DOWN_MPS = 1.0;

    /**
     * @param vzMps NaN to control altitude to {@code zM}, else a fixed vertical speed (NED, + down)
     * @param holdHorizontal false levels the aircraft (failsafe): no horizontal correction
     */
    static void fly(QuadcopterModel m, double xM, double yM, double zM, double vzMps, double yawRad,
                    boolean holdHorizontal, double maxUpMps) {
        double vxSp = 0, vySp = 0;
        if (holdHorizontal) {
            vxSp = POSITION_GAIN_PER_S * (xM - m.x());
            vySp = POSITION_GAIN_PER_S * (yM - m.y());
            double h = Math.hypot(vxSp, vySp);
            if (h > MAX_HORIZONTAL_MPS) {
                vxSp *= MAX_HORIZONTAL_MPS / h;
                vySp *= MAX_HORIZONTAL_MPS / h;
            }
        }
        double vzSp = Double.isNaN(vzMps) ? POSITION_GAIN_PER_S * (zM - m.z()) : vzMps;
        vzSp = Math.max(-maxUpMps, Math.min(MAX_DOWN_MPS, vzSp));

        double k = QuadcopterModel.DRAG_N_PER_MPS / QuadcopterModel.MASS_KG;
        double ax = holdHorizontal ? VELOCITY_GAIN_PER_S * (vxSp - m.vx()) + k * m.vx() : 0;
        double ay = holdHorizontal ? VELOCITY_GAIN_PER_S * (vySp - m.vy()) + k * m.vy() : 0;
        double az = VELOCITY_GAIN_PER_S * (vzSp - m.vz()) + k * m.vz();
        // Specific force the rotors must give: f = a - g (NED, g points +z).
        double fx = ax, fy = ay, fz = az - QuadcopterModel.G_MPS2;
        fz = Math.min(fz, -0.2 * QuadcopterModel.G_MPS2);
        double cy = Math.cos(m.yaw()), sy = Math.sin(m.yaw());
        double fxBody = cy * fx + sy * fy;
        double fyBody = -sy * fx + cy * fy;
        double pitch = Math.atan2(-fxBody, -fz);
        double roll = Math.atan2(fyBody, Math.hypot(fxBody, fz));
        double thrust = QuadcopterModel.MASS_KG * Math.sqrt(fx * fx + fy * fy + fz * fz) / QuadcopterModel.MAX_THRUST_N;
        m.command(roll, pitch, yawRad, thrust);
    }
}
