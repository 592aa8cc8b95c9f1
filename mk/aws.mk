# aws/ transport micro-benchmark: SigV4 signing cost and what connection
# reuse buys over plain http and TLS against a loopback fake server.
# Run by `make bench`, never by `make test`:
#
#   make bench-aws                 500 requests per measurement
#   make bench-aws BENCH_AWS_N=2000
BENCH_TARGETS += bench-aws
BENCH_AWS_N ?= 500

$(BUILD)/bench/aws_transport: bench/aws_transport.c $(LIB_aws) $(LIB_common)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_aws) $(LIB_common) $(LDLIBS)

.PHONY: bench-aws
bench-aws: $(BUILD)/bench/aws_transport
	@WWSEED_ROOT=$(CURDIR) $(BUILD)/bench/aws_transport $(BENCH_AWS_N)
