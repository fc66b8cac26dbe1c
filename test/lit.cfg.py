# lit configuration of the het test suite: compiler, tool and end-to-end tests.
import os
import shutil

import lit.formats
import lit.util

config.name = "het"
config.test_format = lit.formats.ShTest(not lit.util.which("bash") is None)
config.suffixes = [".mlir", ".test", ".onnxtxt"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Unit", "run_node_tests.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.het_obj_root, "test")

# The tools under test come first on PATH, then FileCheck and friends from LLVM 22.
config.environment["PATH"] = os.pathsep.join(
    [config.het_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
# Debian's python3-numpy and python3-onnx belong to the system interpreter; a python3 earlier on PATH (pyenv)
# may lack them, so tests call %python.
config.substitutions.append(("%python", "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"))
config.substitutions.append(("%het_src_root", config.het_src_root))
config.substitutions.append(("%het_obj_root", config.het_obj_root))
config.substitutions.append(("%het_tools_dir", config.het_tools_dir))

if config.het_build_compiler:
    config.available_features.add("compiler")
if config.het_fuzzers_built:
    config.available_features.add("fuzzer")
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")
if shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
