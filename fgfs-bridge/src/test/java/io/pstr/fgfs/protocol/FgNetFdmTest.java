package io.pstr.fgfs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FgNetFdmTest {
    /** FGNetFDM v24 from FlightGear's src/Network/net_fdm.hxx: C name, offset, type, Java field (padding at 4 not listed). */
    static final StructLayout LAYOUT = new StructLayout("""
            version                     0 i32 version
            longitude                   8 f64 longitude
            latitude                   16 f64 latitude
            altitude                   24 f64 altitude
            agl                        32 f32 agl
            phi                        36 f32 phi
            theta                      40 f32 theta
            psi                        44 f32 psi
            alpha                      48 f32 alpha
            beta                       52 f32 beta
            phidot                     56 f32 phidot
            thetadot                   60 f32 thetadot
            psidot                     64 f32 psidot
            vcas                       68 f32 vcas
            climb_rate                 72 f32 climbRate
            v_north                    76 f32 vNorth
            v_east                     80 f32 vEast
            v_down                     84 f32 vDown
            v_wind_body_north          88 f32 vWindBodyNorth
            v_wind_body_east           92 f32 vWindBodyEast
            v_wind_body_down           96 f32 vWindBodyDown
            A_X_pilot                 100 f32 aXPilot
            A_Y_pilot                 104 f32 aYPilot
            A_Z_pilot                 108 f32 aZPilot
            stall_warning             112 f32 stallWarning
            slip_deg                  116 f32 slipDeg
            num_engines               120 i32 numEngines
            eng_state[0]              124 i32 engState[0]
            eng_state[1]              128 i32 engState[1]
            eng_state[2]              132 i32 engState[2]
            eng_state[3]              136 i32 engState[3]
            rpm[0]                    140 f32 rpm[0]
            rpm[1]                    144 f32 rpm[1]
            rpm[2]                    148 f32 rpm[2]
            rpm[3]                    152 f32 rpm[3]
            fuel_flow[0]              156 f32 fuelFlow[0]
            fuel_flow[1]              160 f32 fuelFlow[1]
            fuel_flow[2]              164 f32 fuelFlow[2]
            fuel_flow[3]              168 f32 fuelFlow[3]
            fuel_px[0]                172 f32 fuelPx[0]
            fuel_px[1]                176 f32 fuelPx[1]
            fuel_px[2]                180 f32 fuelPx[2]
            fuel_px[3]                184 f32 fuelPx[3]
            egt[0]                    188 f32 egt[0]
            egt[1]                    192 f32 egt[1]
            egt[2]                    196 f32 egt[2]
            egt[3]                    200 f32 egt[3]
            cht[0]                    204 f32 cht[0]
            cht[1]                    208 f32 cht[1]
            cht[2]                    212 f32 cht[2]
            cht[3]                    216 f32 cht[3]
            mp_osi[0]                 220 f32 mpOsi[0]
            mp_osi[1]                 224 f32 mpOsi[1]
            mp_osi[2]                 228 f32 mpOsi[2]
            mp_osi[3]                 232 f32 mpOsi[3]
            tit[0]                    236 f32 tit[0]
            tit[1]                    240 f32 tit[1]
            tit[2]                    244 f32 tit[2]
            tit[3]                    248 f32 tit[3]
            oil_temp[0]               252 f32 oilTemp[0]
            oil_temp[1]               256 f32 oilTemp[1]
            oil_temp[2]               260 f32 oilTemp[2]
            oil_temp[3]               264 f32 oilTemp[3]
            oil_px[0]                 268 f32 oilPx[0]
            oil_px[1]                 272 f32 oilPx[1]
            oil_px[2]                 276 f32 oilPx[2]
            oil_px[3]                 280 f32 oilPx[3]
            num_tanks                 284 i32 numTanks
            fuel_quantity[0]          288 f32 fuelQuantity[0]
            fuel_quantity[1]          292 f32 fuelQuantity[1]
            fuel_quantity[2]          296 f32 fuelQuantity[2]
            fuel_quantity[3]          300 f32 fuelQuantity[3]
            num_wheels                304 i32 numWheels
            wow[0]                    308 i32 wow[0]
            wow[1]                    312 i32 wow[1]
            wow[2]                    316 i32 wow[2]
            gear_pos[0]               320 f32 gearPos[0]
            gear_pos[1]               324 f32 gearPos[1]
            gear_pos[2]               328 f32 gearPos[2]
            gear_steer[0]             332 f32 gearSteer[0]
            gear_steer[1]             336 f32 gearSteer[1]
            gear_steer[2]             340 f32 gearSteer[2]
            gear_compression[0]       344 f32 gearCompression[0]
            gear_compression[1]       348 f32 gearCompression[1]
            gear_compression[2]       352 f32 gearCompression[2]
            cur_time                  356 i32 curTime
            warp                      360 i32 warp
            visibility                364 f32 visibility
            elevator                  368 f32 elevator
            elevator_trim_tab         372 f32 elevatorTrimTab
            left_flap                 376 f32 leftFlap
            right_flap                380 f32 rightFlap
            left_aileron              384 f32 leftAileron
            right_aileron             388 f32 rightAileron
            rudder                    392 f32 rudder
            nose_wheel                396 f32 noseWheel
            speedbrake                400 f32 speedbrake
            spoilers                  404 f32 spoilers
            """);

    @Test
    void shouldPlaceEveryFieldAtItsCOffsetBigEndian() throws Exception {
        LAYOUT.assertContiguous(FgNetFdm.SIZE_BYTES);
        FgNetFdm f = new FgNetFdm();
        double[] values = LAYOUT.fill(f);
        byte[] packet = f.encode();
        assertEquals(408, packet.length);
        LAYOUT.assertAtOffsets(values, packet);
        assertEquals(0, ByteBuffer.wrap(packet).getInt(4), "padding");
        assertEquals(24, packet[3], "version's low byte is last: big-endian");
    }

    @Test
    void shouldDecodeWhatItEncodes() throws Exception {
        FgNetFdm f = new FgNetFdm();
        LAYOUT.fill(f);
        byte[] packet = new byte[FgNetFdm.SIZE_BYTES + 10];
        f.encode(packet, 5);
        FgNetFdm back = new FgNetFdm();
        assertNull(FgNetFdm.decode(packet, 5, FgNetFdm.SIZE_BYTES, back));
        LAYOUT.assertSameFields(f, back);
    }

    @Test
    void shouldRefuseWrongSizeVersionNaNAndCounts() throws Exception {
        FgNetFdm good = new FgNetFdm();
        LAYOUT.fill(good);
        byte[] packet = good.encode();
        FgNetFdm into = new FgNetFdm();
        assertEquals(Reject.WRONG_SIZE, FgNetFdm.decode(packet, 0, 407, into));
        assertEquals(Reject.WRONG_SIZE, FgNetFdm.decode(new byte[409], 0, 409, into));
        byte[] v23 = packet.clone();
        ByteBuffer.wrap(v23).putInt(0, 23);
        assertEquals(Reject.WRONG_VERSION, FgNetFdm.decode(v23, 0, v23.length, into));
        byte[] nan = packet.clone();
        ByteBuffer.wrap(nan).putFloat(36, Float.NaN);
        assertEquals(Reject.NOT_FINITE, FgNetFdm.decode(nan, 0, nan.length, into));
        byte[] inf = packet.clone();
        ByteBuffer.wrap(inf).putDouble(16, Double.POSITIVE_INFINITY);
        assertEquals(Reject.NOT_FINITE, FgNetFdm.decode(inf, 0, inf.length, into));
        byte[] engines = packet.clone();
        ByteBuffer.wrap(engines).putInt(120, 5);
        assertEquals(Reject.BAD_COUNT, FgNetFdm.decode(engines, 0, engines.length, into));
        byte[] wheels = packet.clone();
        ByteBuffer.wrap(wheels).putInt(304, -1);
        assertEquals(Reject.BAD_COUNT, FgNetFdm.decode(wheels, 0, wheels.length, into));
        assertNull(FgNetFdm.decode(packet, 0, packet.length, into), "the good packet after the bad ones");
    }
}
