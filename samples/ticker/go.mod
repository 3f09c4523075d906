module example.com/samples/ticker

go 1.21
