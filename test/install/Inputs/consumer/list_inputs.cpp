// Loads a .hetbin through the installed C++ wrapper and prints its outputs, or the runtime's error.
#include <het/het.hpp>

#include <iostream>

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  try {
    het::Module module = het::Module::loadFile(argv[1]);
    het::Module copy = module;
    for (const het_tensor_info_t &output : copy.outputs())
      std::cout << "output " << output.name << " " << het_dtype_name(output.dtype) << "\n";
  } catch (const het::Error &error) {
    std::cerr << het_status_code_name(error.code()) << ": " << error.what() << "\n";
    return 1;
  }
  return 0;
}
