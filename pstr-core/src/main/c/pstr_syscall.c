/*
 * The one native function of pstr-core: a Linux system call from Java through plain JNI (io.pstr.core.rt.Syscall).
 * The futex calls of the shared-memory doorbells are on the wake-up path of every message a sleeping reader gets;
 * JNA's generic dispatch adds about a microsecond there, which a plain JNI call does not (docs/channel.md).
 */
#include <errno.h>
#include <jni.h>
#include <sys/syscall.h>
#include <unistd.h>

JNIEXPORT jlong JNICALL Java_io_pstr_core_rt_Syscall_invoke(JNIEnv *env, jclass cls, jlong nr, jlong a1, jlong a2,
        jlong a3, jlong a4, jlong a5, jlong a6) {
    (void) env;
    (void) cls;
    long r = syscall((long) nr, (long) a1, (long) a2, (long) a3, (long) a4, (long) a5, (long) a6);
    return r == -1 ? -(jlong) errno : (jlong) r;
}
