module example.com/samples/subslice

go 1.21
