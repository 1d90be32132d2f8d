package io.pstr.fgfs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FgNetCtrlsTest {
    /**
     * FGNetCtrls v27 from FlightGear's src/Network/net_ctrls.hxx (FG_MAX_ENGINES 4, FG_MAX_TANKS 8, 25 reserved words):
     * C name, offset with the compiler's alignment of doubles to 8, type, Java field.
     */
    static final StructLayout LAYOUT = new StructLayout("""
            version                     0 i32 version
            aileron                     8 f64 aileron
            elevator                   16 f64 elevator
            rudder                     24 f64 rudder
            aileron_trim               32 f64 aileronTrim
            elevator_trim              40 f64 elevatorTrim
            rudder_trim                48 f64 rudderTrim
            flaps                      56 f64 flaps
            spoilers                   64 f64 spoilers
            speedbrake                 72 f64 speedbrake
            flaps_power                80 i32 flapsPower
            flap_motor_ok              84 i32 flapMotorOk
            num_engines                88 i32 numEngines
            master_bat[0]              92 i32 masterBat[0]
            master_bat[1]              96 i32 masterBat[1]
            master_bat[2]             100 i32 masterBat[2]
            master_bat[3]             104 i32 masterBat[3]
            master_alt[0]             108 i32 masterAlt[0]
            master_alt[1]             112 i32 masterAlt[1]
            master_alt[2]             116 i32 masterAlt[2]
            master_alt[3]             120 i32 masterAlt[3]
            magnetos[0]               124 i32 magnetos[0]
            magnetos[1]               128 i32 magnetos[1]
            magnetos[2]               132 i32 magnetos[2]
            magnetos[3]               136 i32 magnetos[3]
            starter_power[0]          140 i32 starterPower[0]
            starter_power[1]          144 i32 starterPower[1]
            starter_power[2]          148 i32 starterPower[2]
            starter_power[3]          152 i32 starterPower[3]
            throttle[0]               160 f64 throttle[0]
            throttle[1]               168 f64 throttle[1]
            throttle[2]               176 f64 throttle[2]
            throttle[3]               184 f64 throttle[3]
            mixture[0]                192 f64 mixture[0]
            mixture[1]                200 f64 mixture[1]
            mixture[2]                208 f64 mixture[2]
            mixture[3]                216 f64 mixture[3]
            condition[0]              224 f64 condition[0]
            condition[1]              232 f64 condition[1]
            condition[2]              240 f64 condition[2]
            condition[3]              248 f64 condition[3]
            fuel_pump_power[0]        256 i32 fuelPumpPower[0]
            fuel_pump_power[1]        260 i32 fuelPumpPower[1]
            fuel_pump_power[2]        264 i32 fuelPumpPower[2]
            fuel_pump_power[3]        268 i32 fuelPumpPower[3]
            prop_advance[0]           272 f64 propAdvance[0]
            prop_advance[1]           280 f64 propAdvance[1]
            prop_advance[2]           288 f64 propAdvance[2]
            prop_advance[3]           296 f64 propAdvance[3]
            feed_tank_to[0]           304 i32 feedTankTo[0]
            feed_tank_to[1]           308 i32 feedTankTo[1]
            feed_tank_to[2]           312 i32 feedTankTo[2]
            feed_tank_to[3]           316 i32 feedTankTo[3]
            reverse[0]                320 i32 reverse[0]
            reverse[1]                324 i32 reverse[1]
            reverse[2]                328 i32 reverse[2]
            reverse[3]                332 i32 reverse[3]
            engine_ok[0]              336 i32 engineOk[0]
            engine_ok[1]              340 i32 engineOk[1]
            engine_ok[2]              344 i32 engineOk[2]
            engine_ok[3]              348 i32 engineOk[3]
            mag_left_ok[0]            352 i32 magLeftOk[0]
            mag_left_ok[1]            356 i32 magLeftOk[1]
            mag_left_ok[2]            360 i32 magLeftOk[2]
            mag_left_ok[3]            364 i32 magLeftOk[3]
            mag_right_ok[0]           368 i32 magRightOk[0]
            mag_right_ok[1]           372 i32 magRightOk[1]
            mag_right_ok[2]           376 i32 magRightOk[2]
            mag_right_ok[3]           380 i32 magRightOk[3]
            spark_plugs_ok[0]         384 i32 sparkPlugsOk[0]
            spark_plugs_ok[1]         388 i32 sparkPlugsOk[1]
            spark_plugs_ok[2]         392 i32 sparkPlugsOk[2]
            spark_plugs_ok[3]         396 i32 sparkPlugsOk[3]
            oil_press_status[0]       400 i32 oilPressStatus[0]
            oil_press_status[1]       404 i32 oilPressStatus[1]
            oil_press_status[2]       408 i32 oilPressStatus[2]
            oil_press_status[3]       412 i32 oilPressStatus[3]
            fuel_pump_ok[0]           416 i32 fuelPumpOk[0]
            fuel_pump_ok[1]           420 i32 fuelPumpOk[1]
            fuel_pump_ok[2]           424 i32 fuelPumpOk[2]
            fuel_pump_ok[3]           428 i32 fuelPumpOk[3]
            num_tanks                 432 i32 numTanks
            fuel_selector[0]          436 i32 fuelSelector[0]
            fuel_selector[1]          440 i32 fuelSelector[1]
            fuel_selector[2]          444 i32 fuelSelector[2]
            fuel_selector[3]          448 i32 fuelSelector[3]
            fuel_selector[4]          452 i32 fuelSelector[4]
            fuel_selector[5]          456 i32 fuelSelector[5]
            fuel_selector[6]          460 i32 fuelSelector[6]
            fuel_selector[7]          464 i32 fuelSelector[7]
            xfer_pump[0]              468 i32 xferPump[0]
            xfer_pump[1]              472 i32 xferPump[1]
            xfer_pump[2]              476 i32 xferPump[2]
            xfer_pump[3]              480 i32 xferPump[3]
            xfer_pump[4]              484 i32 xferPump[4]
            cross_feed                488 i32 crossFeed
            brake_left                496 f64 brakeLeft
            brake_right               504 f64 brakeRight
            copilot_brake_left        512 f64 copilotBrakeLeft
            copilot_brake_right       520 f64 copilotBrakeRight
            brake_parking             528 f64 brakeParking
            gear_handle               536 i32 gearHandle
            master_avionics           540 i32 masterAvionics
            comm_1                    544 f64 comm1
            comm_2                    552 f64 comm2
            nav_1                     560 f64 nav1
            nav_2                     568 f64 nav2
            wind_speed_kt             576 f64 windSpeedKt
            wind_dir_deg              584 f64 windDirDeg
            turbulence_norm           592 f64 turbulenceNorm
            temp_c                    600 f64 tempC
            press_inhg                608 f64 pressInhg
            hground                   616 f64 hground
            magvar                    624 f64 magvar
            icing                     632 i32 icing
            speedup                   636 i32 speedup
            freeze                    640 i32 freeze
            reserved[0]               644 i32 reserved[0]
            reserved[1]               648 i32 reserved[1]
            reserved[2]               652 i32 reserved[2]
            reserved[3]               656 i32 reserved[3]
            reserved[4]               660 i32 reserved[4]
            reserved[5]               664 i32 reserved[5]
            reserved[6]               668 i32 reserved[6]
            reserved[7]               672 i32 reserved[7]
            reserved[8]               676 i32 reserved[8]
            reserved[9]               680 i32 reserved[9]
            reserved[10]              684 i32 reserved[10]
            reserved[11]              688 i32 reserved[11]
            reserved[12]              692 i32 reserved[12]
            reserved[13]              696 i32 reserved[13]
            reserved[14]              700 i32 reserved[14]
            reserved[15]              704 i32 reserved[15]
            reserved[16]              708 i32 reserved[16]
            reserved[17]              712 i32 reserved[17]
            reserved[18]              716 i32 reserved[18]
            reserved[19]              720 i32 reserved[19]
            reserved[20]              724 i32 reserved[20]
            reserved[21]              728 i32 reserved[21]
            reserved[22]              732 i32 reserved[22]
            reserved[23]              736 i32 reserved[23]
            reserved[24]              740 i32 reserved[24]
            """);

    @Test
    void shouldPlaceEveryFieldAtItsCOffsetBigEndian() throws Exception {
        LAYOUT.assertContiguous(FgNetCtrls.SIZE_BYTES);
        FgNetCtrls c = new FgNetCtrls();
        double[] values = LAYOUT.fill(c);
        byte[] packet = c.encode();
        assertEquals(744, packet.length);
        LAYOUT.assertAtOffsets(values, packet);
        ByteBuffer b = ByteBuffer.wrap(packet);
        assertEquals(0, b.getInt(4), "padding after version");
        assertEquals(0, b.getInt(156), "padding before throttle");
        assertEquals(0, b.getInt(492), "padding before brake_left");
    }

    @Test
    void shouldDecodeWhatItEncodes() throws Exception {
        FgNetCtrls c = new FgNetCtrls();
        LAYOUT.fill(c);
        FgNetCtrls back = new FgNetCtrls();
        byte[] packet = c.encode();
        assertNull(FgNetCtrls.decode(packet, 0, packet.length, back));
        LAYOUT.assertSameFields(c, back);
    }

    @Test
    void shouldRefuseWrongSizeVersionNaNAndCounts() throws Exception {
        FgNetCtrls c = new FgNetCtrls();
        LAYOUT.fill(c);
        byte[] packet = c.encode();
        FgNetCtrls into = new FgNetCtrls();
        assertEquals(Reject.WRONG_SIZE, FgNetCtrls.decode(packet, 0, 743, into));
        assertEquals(Reject.WRONG_SIZE, FgNetCtrls.decode(new byte[408], 0, 408, into), "an FGNetFDM is not an FGNetCtrls");
        byte[] v26 = packet.clone();
        ByteBuffer.wrap(v26).putInt(0, 26);
        assertEquals(Reject.WRONG_VERSION, FgNetCtrls.decode(v26, 0, v26.length, into));
        byte[] zeros = new byte[744];
        assertEquals(Reject.WRONG_VERSION, FgNetCtrls.decode(zeros, 0, zeros.length, into), "all zeros");
        byte[] nan = packet.clone();
        ByteBuffer.wrap(nan).putDouble(160, Double.NaN);
        assertEquals(Reject.NOT_FINITE, FgNetCtrls.decode(nan, 0, nan.length, into));
        byte[] tanks = packet.clone();
        ByteBuffer.wrap(tanks).putInt(432, 9);
        assertEquals(Reject.BAD_COUNT, FgNetCtrls.decode(tanks, 0, tanks.length, into));
        assertNull(FgNetCtrls.decode(packet, 0, packet.length, into));
    }
}
