#include "pigment_export/app/run.hpp"

int main(int argc, char** argv) {
    return pe::run_main(argc, argv);
}
