package io.pstr.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dronefleet.mavlink.common.MavParamType;
import io.dronefleet.mavlink.common.ParamValue;
import io.pstr.manager.PreflightCheck.Item;
import io.pstr.manager.PreflightCheck.Verdict;
import org.junit.jupiter.api.Test;

/** The pre-flight's account of what PX4 does when no replica flies, from COM_OBL_RC_ACT and NAV_RCL_ACT. */
class PreflightLossActionTest {

    private static void assertRow(Item row, Verdict verdict, String... phrases) {
        assertEquals(PreflightCheck.LOSS_ACTION, row.check());
        assertEquals(verdict, row.verdict(), row.detail());
        for (String phrase : phrases) {
            assertTrue(row.detail().contains(phrase), row.detail() + " should say " + phrase);
        }
    }

    @Test
    void px4sDefaultsReturnWithoutAnRcLinkAndThatIsAWarning() {
        // as PX4's SITL flew it: COM_OBL_RC_ACT 0 needs RC, so NAV_RCL_ACT 2 (Return) climbed while a replica started
        assertRow(PreflightCheck.lossAction(0, 2), Verdict.WARN, "COM_OBL_RC_ACT = 0 (Position mode)", "NAV_RCL_ACT = 2 (Return)",
                "consider Hold (5)");
        assertRow(PreflightCheck.lossAction(3, null), Verdict.WARN, "(Return)");
    }

    @Test
    void holdAndLandLeaveTheAircraftToAColdStartedReplica() {
        assertRow(PreflightCheck.lossAction(5, null), Verdict.PASS, "(Hold)", "holds where it is");
        assertRow(PreflightCheck.lossAction(4, null), Verdict.PASS, "(Land)", "lands by itself");
        assertRow(PreflightCheck.lossAction(1, 1), Verdict.PASS, "NAV_RCL_ACT = 1 (Hold)");
    }

    @Test
    void warnsOfMotorsStoppedInTheAirAndOfWhatItCannotTell() {
        assertRow(PreflightCheck.lossAction(6, null), Verdict.WARN, "(Terminate)", "stops its motors");
        assertRow(PreflightCheck.lossAction(2, 6), Verdict.WARN, "(Disarm)", "stops its motors");
        assertRow(PreflightCheck.lossAction(0, 0), Verdict.WARN, "(nothing)");
        assertRow(PreflightCheck.lossAction(null, null), Verdict.WARN, "not answered");
        assertRow(PreflightCheck.lossAction(0, null), Verdict.WARN, "NAV_RCL_ACT, not answered");
        assertRow(PreflightCheck.lossAction(9, null), Verdict.WARN, "not an action PX4 knows");
    }

    @Test
    void readsAnIntegerParameterFromItsBitsAsPx4SendsIt() {
        ParamValue px4 = ParamValue.builder().paramId("COM_OBL_RC_ACT").paramValue(Float.intBitsToFloat(5))
                .paramType(MavParamType.MAV_PARAM_TYPE_INT32).build();
        assertEquals(5, PreflightCheck.px4Int(px4));
        ParamValue real = ParamValue.builder().paramId("X").paramValue(5f).paramType(MavParamType.MAV_PARAM_TYPE_REAL32).build();
        assertEquals(5, PreflightCheck.px4Int(real));
    }
}
