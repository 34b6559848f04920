package io.github.kafkarestgateway.bench;

import com.sun.tools.attach.VirtualMachine;

/**
 * Loads async-profiler's agent into a running JVM with the given options ({@code start,event=cpu,…} or
 * {@code stop,file=…}), for {@code BENCH_PROFILE=1}: the profile covers one measured round, not the start or the
 * warm-up. ({@code jcmd <pid> JVMTI.agent_load} would do, but it parses an option containing '=' as its own.)
 * <p>
 * Arguments: process id, path of {@code libasyncProfiler.so}, agent options.
 */
public final class AttachProfiler {

    private AttachProfiler() {
    }

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
