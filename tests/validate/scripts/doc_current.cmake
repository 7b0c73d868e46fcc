# validate.catalogue_doc: proto/VALIDATION.md must be exactly what dw-rulesdoc
# writes from deploy/validation_rules.yaml now.
#   cmake -DRULESDOC=… -DSOURCE_DIR=… -DWORK_DIR=… -P doc_current.cmake
cmake_minimum_required(VERSION 3.18)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${RULESDOC} --rules ${SOURCE_DIR}/deploy/validation_rules.yaml
  --out ${WORK_DIR}/VALIDATION.md RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dw-rulesdoc failed (exit ${rc}): deploy/validation_rules.yaml does not load")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/VALIDATION.md ${SOURCE_DIR}/proto/VALIDATION.md
  RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${SOURCE_DIR}/proto/VALIDATION.md ${WORK_DIR}/VALIDATION.md
      OUTPUT_VARIABLE d ERROR_VARIABLE d)
    string(SUBSTRING "${d}" 0 6000 d)
    message("${d}")
  endif()
  message(FATAL_ERROR "proto/VALIDATION.md is not what deploy/validation_rules.yaml gives (see "
    "${WORK_DIR}/VALIDATION.md); run `cmake --build <build> --target rulesdoc` and commit proto/VALIDATION.md")
endif()
message("proto/VALIDATION.md is current")
