package io.pstr.manager.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** An aggregator that answers an oversized request with a JSON 413 (like every other error) and closes. */
final class JsonErrorAggregator extends HttpObjectAggregator {

    private final int maxContentBytes;

    JsonErrorAggregator(int maxContentBytes) {
        super(maxContentBytes);
        this.maxContentBytes = maxContentBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest) {
            ApiHandler.sendError(ctx, false, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body larger than " + maxContentBytes + " bytes");
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }
}
