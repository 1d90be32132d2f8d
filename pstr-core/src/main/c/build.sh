#!/usr/bin/env bash
# Builds pstr-core's JNI library (pstr_syscall.c) into the classes, for io.pstr.core.rt.Syscall to load.
#   build.sh <JDK home> <output directory>
# Without a C compiler or the JDK's JNI headers it says so and builds nothing: the system calls then go through
# JNA, which works the same, about a microsecond slower per call (scripts/setup.sh installs gcc).
set -uo pipefail
jdk=$1
out=$2
src="$(dirname "$0")/pstr_syscall.c"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) arch=amd64 ;;
  Linux-aarch64) arch=aarch64 ;;
  *) echo "pstr-core: no JNI system-call library for $(uname -s) $(uname -m): JNA is used"; exit 0 ;;
esac
cc=$(command -v cc || command -v gcc) || {
  echo "pstr-core: WARNING no C compiler (cc or gcc): the JNI system-call library is not built, futex calls go through JNA"
  exit 0
}
if [[ ! -f $jdk/include/jni.h ]]; then
  echo "pstr-core: WARNING no JNI headers under $jdk/include: the JNI system-call library is not built, futex calls go through JNA"
  exit 0
fi
mkdir -p "$out/linux-$arch"
if ! "$cc" -O2 -shared -fPIC -Wall -Wextra -Werror -I"$jdk/include" -I"$jdk/include/linux" \
    -o "$out/linux-$arch/libpstrsyscall.so" "$src"; then
  echo "pstr-core: WARNING $cc could not build $src: futex calls go through JNA"
  rm -f "$out/linux-$arch/libpstrsyscall.so"
fi
exit 0
