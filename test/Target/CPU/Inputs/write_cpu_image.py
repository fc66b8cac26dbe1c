# Writes the shared-object image of one compiled CPU variant from het-cpu-codegen output to a file, for
# llvm-objdump.
#
#   write_cpu_image.py FILE.mlir EXECUTABLE VARIANT OUT.so
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_cpu_kernel import find_variant  # noqa: E402


def main():
    path, executable, variant, out = sys.argv[1:5]
    with open(path) as stream:
        image = find_variant(stream.read(), executable, variant)[5]
    with open(out, "wb") as stream:
        stream.write(image)


if __name__ == "__main__":
    main()
