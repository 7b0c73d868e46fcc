# proto.spec_current: proto/SPEC.md must be exactly what dw-protodoc writes
# from the schema now.  cmake -DPROTODOC=… -DSOURCE_DIR=… -DWORK_DIR=… -P spec_current.cmake
cmake_minimum_required(VERSION 3.18)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${PROTODOC} --spec ${WORK_DIR}/SPEC.md RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dw-protodoc --spec failed (exit ${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/SPEC.md ${SOURCE_DIR}/proto/SPEC.md
  RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${SOURCE_DIR}/proto/SPEC.md ${WORK_DIR}/SPEC.md
      OUTPUT_VARIABLE d ERROR_VARIABLE d)
    string(SUBSTRING "${d}" 0 6000 d)
    message("${d}")
  endif()
  message(FATAL_ERROR "proto/SPEC.md is not what the schema gives (see ${WORK_DIR}/SPEC.md); "
    "run `cmake --build <build> --target spec` and commit proto/SPEC.md and proto/examples/")
endif()
message("proto/SPEC.md is current")
