package io.pstr.manager.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * An aggregator that answers an oversized request with a JSON 413 (like every other error) and closes the
 * connection once the client has finished sending the body. Closing at once, with the rest of the body still
 * unread, makes the kernel reset the connection, and the reset can reach the client before the answer does (the
 * client then sees no answer at all). The rest of the body is read and dropped, for at most
 * {@link #DRAIN_LIMIT_MS} ms; a client still sending after that is cut off.
 */
final class JsonErrorAggregator extends HttpObjectAggregator {

    /** How long a refused body may take to finish arriving before the connection is closed regardless. */
    static final long DRAIN_LIMIT_MS = 5_000;

    private final int maxContentBytes;
    private boolean refused;
    private ScheduledFuture<?> drainLimit;

    JsonErrorAggregator(int maxContentBytes) {
        super(maxContentBytes);
        this.maxContentBytes = maxContentBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        boolean last = msg instanceof LastHttpContent;
        if (refused) {
            ReferenceCountUtil.release(msg);
            if (last) {
                close(ctx);
            }
            return;
        }
        super.channelRead(ctx, msg);
        if (refused && last) {
            close(ctx);
        }
    }

    private void close(ChannelHandlerContext ctx) {
        if (drainLimit != null) {
            drainLimit.cancel(false);
        }
        ctx.close();
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest) {
            refused = true;
            ApiHandler.sendErrorLeavingOpen(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body larger than " + maxContentBytes + " bytes");
            drainLimit = ctx.executor().schedule(() -> ctx.close(), DRAIN_LIMIT_MS, TimeUnit.MILLISECONDS);
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }
}
