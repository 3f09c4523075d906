module example.com/samples/cstring

go 1.21
