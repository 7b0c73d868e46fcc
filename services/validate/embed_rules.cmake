# Writes deploy/validation_rules.yaml into a C file as bytes (v_builtin.h):
#   cmake -DIN=<yaml> -DOUT=<c file> -P embed_rules.cmake
# Bytes, not a string literal: no escaping to get wrong, any size.
cmake_minimum_required(VERSION 3.18)
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n"
  bytes "${bytes}")
file(WRITE ${OUT}.tmp "/* Generated from deploy/validation_rules.yaml by embed_rules.cmake: do not edit. */\n"
  "#include \"v_builtin.h\"\n\n"
  "const unsigned char dw_v_builtin_rules[] = {\n${bytes}0x00};\n"
  "const size_t dw_v_builtin_rules_len = ${len};\n")
# Only a changed file is rewritten, so nothing recompiles needlessly.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
