#include "pigment_export/app/run.hpp"
namespace pe {
int run_main(int, char**) { return 1; }
}
