package io.pstr.core.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Declares a TCP connection dead when its peer is silent for the endpoint's {@code silence-ms} (an
 * {@link IdleStateHandler} reader-idle event) or when what we write has not drained for as long (the channel
 * stayed unwritable: the peer stopped reading, or the path is gone and the kernel keeps retransmitting). Either way
 * the link closes the connection with the reason, and its usual reconnect path runs. Time is the event loop's
 * {@link io.netty.util.concurrent.Ticker}, so tests drive it with {@code EmbeddedChannel.advanceTimeBy}.
 */
final class ConnectionWatchdog extends ChannelDuplexHandler {

    /** Told on the event loop when a connection is judged dead; closes it. */
    interface Verdict {
        void dead(Channel channel, String reason);
    }

    private final long silenceNs;
    private final long stallNs;
    private final LinkCounters counters;
    private final Verdict verdict;
    // Event loop only.
    private long unwritableSinceNs = -1;
    private Future<?> stallCheck;

    private ConnectionWatchdog(long silenceNs, long stallNs, LinkCounters counters, Verdict verdict) {
        this.silenceNs = silenceNs;
        this.stallNs = stallNs;
        this.counters = counters;
        this.verdict = verdict;
    }

    /**
     * Adds the watchdog (and the idle-state handler before it, when the silence bound is on) at the head of a
     * connection's pipeline.
     *
     * @param silenceMs 0 = no silence bound; the send-stall bound is then {@link LinkOptions#DEFAULT_SILENCE_MS}
     */
    static void install(ChannelPipeline pipeline, int silenceMs, LinkCounters counters, Verdict verdict) {
        long silenceNs = TimeUnit.MILLISECONDS.toNanos(silenceMs);
        long stallNs = silenceNs > 0 ? silenceNs : TimeUnit.MILLISECONDS.toNanos(LinkOptions.DEFAULT_SILENCE_MS);
        pipeline.addFirst("watchdog", new ConnectionWatchdog(silenceNs, stallNs, counters, verdict));
        if (silenceNs > 0) {
            pipeline.addFirst("idle", new IdleStateHandler(silenceNs, 0, 0, TimeUnit.NANOSECONDS));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
            if (ctx.channel().isActive()) {
                counters.silences.incrementAndGet();
                verdict.dead(ctx.channel(), SilenceWatchdog.reason(silenceNs));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            unwritableSinceNs = -1;
            if (stallCheck != null) {
                stallCheck.cancel(false);
                stallCheck = null;
            }
        } else if (unwritableSinceNs < 0) {
            unwritableSinceNs = ctx.executor().ticker().nanoTime();
            stallCheck = ctx.executor().schedule(() -> checkStall(ctx), stallNs, TimeUnit.NANOSECONDS);
        }
        super.channelWritabilityChanged(ctx);
    }

    private void checkStall(ChannelHandlerContext ctx) {
        stallCheck = null;
        if (unwritableSinceNs < 0 || ctx.channel().isWritable() || !ctx.channel().isActive()) {
            return;
        }
        long stalledNs = ctx.executor().ticker().nanoTime() - unwritableSinceNs;
        counters.sendStalls.incrementAndGet();
        verdict.dead(ctx.channel(), "send buffer full for " + TimeUnit.NANOSECONDS.toMillis(stalledNs) + " ms");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
        super.channelInactive(ctx);
    }
}
