import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@/i18n';
import { Providers } from '@/app/Providers';
import { makeQueryClient } from '@/app/queryClient';
import { makeRouter } from '@/app/router';

const queryClient = makeQueryClient();
const router = makeRouter(queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
