# lit configuration that runs every GoogleTest binary (named *Tests) built into the unittests folder.
import lit.formats

config.name = "het-unit"
config.suffixes = []
config.test_source_root = config.het_unittest_dir
config.test_exec_root = config.het_unittest_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")
