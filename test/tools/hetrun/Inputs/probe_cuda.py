# Prints what hetrun --list-devices must say of the cuda device on this machine, asking libcuda itself:
# "available sm_XY" when the driver library loads and reports a GPU 0 of compute capability X.Y, else "unavailable".
import ctypes
import sys

CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75
CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76

try:
    cuda = ctypes.CDLL("libcuda.so.1")
except OSError:
    print("unavailable")
    sys.exit(0)
count, device, major, minor = ctypes.c_int(0), ctypes.c_int(0), ctypes.c_int(0), ctypes.c_int(0)
if (
    cuda.cuInit(0) != 0
    or cuda.cuDeviceGetCount(ctypes.byref(count)) != 0
    or count.value < 1
    or cuda.cuDeviceGet(ctypes.byref(device), 0) != 0
    or cuda.cuDeviceGetAttribute(ctypes.byref(major), CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device) != 0
    or cuda.cuDeviceGetAttribute(ctypes.byref(minor), CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device) != 0
):
    print("unavailable")
else:
    print(f"available sm_{major.value * 10 + minor.value}")
