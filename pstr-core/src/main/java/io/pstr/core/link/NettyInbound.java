package io.pstr.core.link;

import io.netty.buffer.ByteBuf;

/** Copies Netty buffers into one reused array and hands them to the listener (one I/O thread per link). */
final class NettyInbound {
    private final LinkCounters counters;
    private final LinkListener listener;
    private byte[] scratch = new byte[2048];

    NettyInbound(LinkCounters counters, LinkListener listener) {
        this.counters = counters;
        this.listener = listener;
    }

    void deliver(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return;
        }
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        buf.readBytes(scratch, 0, n);
        counters.bytesIn.addAndGet(n);
        listener.onBytes(scratch, 0, n, System.nanoTime());
    }
}
