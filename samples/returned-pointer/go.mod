module example.com/samples/returned-pointer

go 1.21
