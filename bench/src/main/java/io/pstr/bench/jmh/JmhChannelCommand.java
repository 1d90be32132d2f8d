package io.pstr.bench.jmh;

import io.pstr.bench.FigureWriter;
import io.pstr.bench.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pstr bench jmh-channel}: JMH on the channel's send and receive path in one process. */
@Command(name = "jmh-channel", mixinStandardHelpOptions = true,
        description = "JMH: one send into a shared-memory channel endpoint and the poll that delivers it, in one thread, "
                + "normal and fast path, for 32, 64, 1024 and 4096-byte payloads. Writes channel-jmh.csv and a PNG.")
public final class JmhChannelCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "One short measurement per case instead of five.")
    boolean quick;

    @Option(names = "--out", defaultValue = "docs/bench", description = "Directory for the figures (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        OptionsBuilder b = new OptionsBuilder();
        b.include(ChannelJmh.class.getName());
        if (quick) {
            b.warmupIterations(2).warmupTime(TimeValue.milliseconds(500)).measurementIterations(2)
                    .measurementTime(TimeValue.milliseconds(500));
        }
        Options options = b.build();
        Collection<RunResult> results = new Runner(options).run();
        List<List<?>> rows = new ArrayList<>();
        Map<String, Map<String, Double>> chart = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            String size = r.getParams().getParam("sizeBytes");
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            rows.add(List.of(name, Integer.parseInt(size), score, Double.isNaN(error) ? 0.0 : error,
                    r.getPrimaryResult().getScoreUnit()));
            chart.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(size, score);
        }
        FigureWriter figures = new FigureWriter(out, Machine.current());
        Path csv = figures.csv("channel-jmh", List.of("benchmark", "sizeBytes", "score", "error", "unit"), rows);
        figures.barChart("channel-jmh", "Send + poll in one thread (JMH average time)", "payload bytes", "ns/op", chart, false);
        System.out.println("wrote " + csv + " and channel-jmh.png");
        return 0;
    }
}
