module example.com/samples/time-after

go 1.21
