# Writes a file into a C source as bytes, for a catalogue the program carries
# built in (deploy/validation_rules.yaml, deploy/analysis_rules.yaml):
#   cmake -DIN=<file> -DOUT=<c file> -DSYMBOL=<name> -DHEADER=<header> -P embed_file.cmake
# defines `const unsigned char SYMBOL[]` (NUL-terminated) and `const size_t SYMBOL_len`.
# Bytes, not a string literal: no escaping to get wrong, any size.
cmake_minimum_required(VERSION 3.18)
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n"
  bytes "${bytes}")
get_filename_component(in_name ${IN} NAME)
file(WRITE ${OUT}.tmp "/* Generated from deploy/${in_name} by cmake/embed_file.cmake: do not edit. */\n"
  "#include \"${HEADER}\"\n\n"
  "const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\n"
  "const size_t ${SYMBOL}_len = ${len};\n")
# Only a changed file is rewritten, so nothing recompiles needlessly.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
