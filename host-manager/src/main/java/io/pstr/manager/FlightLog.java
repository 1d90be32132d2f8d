package io.pstr.manager;

import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.tlog.TlogRecorder;
import java.nio.file.Path;

/**
 * The board link's flight log: board frames and cycle boundaries from the fan-out (in the order the
 * replicas see them), host frames as the paced writer actually wrote them, one frame per record.
 */
final class FlightLog implements Distributor.Tap, PacedWriter.WriteTap, AutoCloseable {

    private final TlogRecorder recorder;
    /** Cuts the writer's output (one write may hold a setpoint and a command) into frames; conductor thread only. */
    private final MavlinkFrameSplitter hostFrames = new MavlinkFrameSplitter();
    private long writeNs;

    FlightLog(Path file, java.util.Map<String, String> meta) {
        this.recorder = TlogRecorder.open(file, meta);
    }

    @Override
    public void boardFrame(byte[] bytes, int offset, int length, long rxNs) {
        recorder.boardFrame(bytes, offset, length, rxNs);
    }

    @Override
    public void gcsFrame(byte[] bytes, int offset, int length, long rxNs) {
        recorder.gcsFrame(bytes, offset, length, rxNs);
    }

    @Override
    public void distributionStarted(long nowNs) {
        recorder.distributionStarted(nowNs);
    }

    @Override
    public void tick(long cycle, long nowNs) {
        recorder.tick(cycle, nowNs);
    }

    @Override
    public void coldStart(long cycle, long nowNs) {
        recorder.coldStart(cycle, nowNs);
    }

    @Override
    public void wrote(byte[] bytes, int length, long nowNs) {
        writeNs = nowNs;
        hostFrames.feed(bytes, 0, length, this::hostFrame);
    }

    private void hostFrame(byte[] frame, int offset, int length, int messageId) {
        recorder.hostFrame(frame, offset, length, writeNs);
    }

    TlogRecorder recorder() {
        return recorder;
    }

    @Override
    public void close() {
        recorder.close();
    }
}
